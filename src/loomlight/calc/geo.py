"""Geographic helpers: coordinate checks and great-circle distance."""

from __future__ import annotations

import math

#: Mean Earth radius [km], IUGG value R1 (Moritz, H. 2000, "Geodetic Reference
#: System 1980", Journal of Geodesy 74, p. 128-133).
EARTH_MEAN_RADIUS_KM = 6371.0088


def coordinate_errors(latitude: float | None, longitude: float | None) -> dict[str, str]:
    """Return {field: message} for coordinates out of range; empty when valid.

    latitude [degree north], -90..90; longitude [degree east], -180..180 (WGS 84).
    Both or neither must be given.
    """
    errors: dict[str, str] = {}
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        errors[missing] = "give both latitude and longitude, or neither"
        return errors
    if latitude is not None and not -90.0 <= latitude <= 90.0:
        errors["latitude"] = "latitude must be between -90 and 90 degrees"
    if longitude is not None and not -180.0 <= longitude <= 180.0:
        errors["longitude"] = "longitude must be between -180 and 180 degrees"
    return errors


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance [km] between two points given in degrees (WGS 84).

    d = 2 R asin( sqrt( sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2) ) )

    References: Sinnott, R. W. (1984), "Virtues of the Haversine", Sky and
    Telescope 68(2), p. 159.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_MEAN_RADIUS_KM * math.asin(math.sqrt(h))
