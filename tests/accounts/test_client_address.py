"""The address the throttle counts by: REMOTE_ADDR, or behind N proxies the N-th
X-Forwarded-For entry from the right; IPv6 by its /64."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from loomlight.accounts.throttle import client_address


@pytest.mark.parametrize("proxies,remote,forwarded,expected", [
    (0, "203.0.113.5", "", "203.0.113.5"),
    (0, "203.0.113.5", "198.51.100.1", "203.0.113.5"),           # no proxy: a client's header is ignored
    (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),               # one proxy: the address it appended
    (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),      # what the client wrote on the left is not trusted
    (2, "10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.3", "198.51.100.1"),
    (1, "10.0.0.2", "", "10.0.0.2"),                               # a proxy that sent nothing: its own address
    (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::/64"),          # one subscriber holds a whole /64
    (0, "::ffff:203.0.113.9", "", "203.0.113.9"),
    (0, "not-an-address", "", "unknown"),
    (1, "10.0.0.2", "<script>", "unknown"),
])
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
