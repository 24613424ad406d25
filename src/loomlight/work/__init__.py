"""Work queues: what each role has to do, shown first on its home page.

``queues`` holds one selector per queue, each ``(user, *, today) -> Queue``; ``for_user`` composes the queues
of the user's roles. Read paths only: the work itself is done on the pages the items link to.
"""
