"""A reader's HTTP session with a loopback server: its own source address, cookies, CSRF."""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


@dataclass
class Session:
    """Requests to `base` from `source` (an address of 127.0.0.0/8: the server counts
    throttles and login failures per address), with the cookies the server sets."""

    base: str
    source: str = "127.0.0.1"
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 120

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        netloc = urllib.parse.urlsplit(self.base).netloc
        connection = http.client.HTTPConnection(
            netloc, timeout=self.timeout, source_address=(self.source, 0)
        )
        sent = {"Accept": "application/json", **self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, dict(response.getheaders()), response.read())
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    for name, morsel in SimpleCookie(value).items():
                        self.cookies[name] = morsel.value
            return answer
        finally:
            connection.close()

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, headers=headers)

    def post_json(self, path: str, data: dict, **headers: str) -> Answer:
        return self.request(
            "POST",
            path,
            body=json.dumps(data).encode(),
            headers={"Content-Type": "application/json", **headers},
        )

    def post_form(self, path: str, data: dict[str, str], files: dict | None = None) -> Answer:
        """POST a form as a browser does: with the CSRF token of the page at `path`."""
        page = self.get(path, Accept="text/html")
        token = CSRF_INPUT.search(page.body)
        fields = {**data, "csrfmiddlewaretoken": token.group(1).decode() if token else ""}
        headers = {"Accept": "text/html", "Referer": f"{self.base}{path}"}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = (
                urllib.parse.urlencode(fields).encode(),
                "application/x-www-form-urlencoded",
            )
        headers["Content-Type"] = content_type
        return self.request("POST", path, body=body, headers=headers)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
