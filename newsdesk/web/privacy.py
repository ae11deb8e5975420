"""Headers that keep a reader's browser talking to this site only."""

from __future__ import annotations

from typing import Callable

from django.http import HttpRequest, HttpResponse

# Nothing but our own origin: publisher images come through /img/, and there are no
# external fonts, scripts or frames. Inline script and style are refused as well.
READER_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                 "connect-src 'self'; font-src 'self'; object-src 'none'; frame-src 'none'; "
                 "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# The admin has inline styles and scripts of its own; it still reaches no other origin.
ADMIN_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; form-action 'self'; "
                "frame-ancestors 'self'")


class ContentSecurityPolicy:
    """Sets a Content-Security-Policy forbidding third-party origins on every response without one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith("/admin/")
            response["Content-Security-Policy"] = ADMIN_POLICY if admin else READER_POLICY
        return response
