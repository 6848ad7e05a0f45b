"""A small Buzz: people, buzzes and comments, kept in memory.

:class:`BuzzWorld` starts with a few buzzes from people the demo user
follows and grows as clients post.  Its methods are what the API routes
(:mod:`.api`) need: the consumption feed, one's own buzzes, post,
update, comment.  :func:`activity_json`, :func:`comment_json` and
:func:`person_json` give the shapes of Google's Buzz API
(``{"data": ...}`` is added by the routes).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from . import defaults


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    screen_name: str


@dataclass
class Comment:
    id: str
    author: Person
    content: str
    published: float


@dataclass
class Activity:
    id: str
    author: Person
    content: str
    published: float
    updated: float
    comments: list[Comment] = field(default_factory=list)


ME = Person(
    defaults.DEMO_USER_ID, defaults.DEMO_USER_NAME, defaults.DEMO_SCREEN_NAME
)
ADA = Person("1000002", "Ada Quill", "adaquill")
BEN = Person("1000003", "Ben Okafor", "benokafor")

_SEED = (
    (ADA, "First snow of the year on the hill behind the lab.", 7200),
    (BEN, "Does anyone still sign requests by hand? Asking for a test.", 3600),
    (
        ADA,
        "Reading RFC 5849 section 3.4 again. Percent-encoding is hard.",
        600,
    ),
)


class BuzzWorld:
    """Every buzz in one sandbox, safe to share between threads."""

    def __init__(self, now: float) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._activities: dict[str, Activity] = {}
        for author, text, age in _SEED:
            self._add(author, text, now - age)
        first = next(iter(self._activities))
        self.comment(first, "Lovely. Save some for us.", now - 300, BEN)

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def _add(self, author: Person, content: str, when: float) -> Activity:
        activity = Activity(self._new_id("b"), author, content, when, when)
        with self._lock:
            self._activities[activity.id] = activity
        return activity

    def feed(self, limit: int | None = None) -> list[Activity]:
        """Newest first: what the demo user sees (``@consumption``)."""
        with self._lock:
            items = sorted(
                self._activities.values(),
                key=lambda a: a.updated,
                reverse=True,
            )
        return items[:limit] if limit else items

    def mine(self, limit: int | None = None) -> list[Activity]:
        """The demo user's own buzzes (``@self``)."""
        return [a for a in self.feed() if a.author == ME][:limit]

    def get(self, activity_id: str) -> Activity | None:
        with self._lock:
            return self._activities.get(activity_id)

    def post(self, content: str, when: float) -> Activity:
        return self._add(ME, content, when)

    def update(self, activity_id: str, content: str, when: float) -> Activity:
        """Change one of the demo user's buzzes; ``KeyError`` if there is
        no such buzz, ``PermissionError`` if it is someone else's."""
        with self._lock:
            activity = self._activities[activity_id]
            if activity.author != ME:
                raise PermissionError("only your own buzzes can be changed")
            activity.content = content
            activity.updated = when
            return activity

    def comment(
        self, activity_id: str, content: str, when: float, author: Person = ME
    ) -> Comment:
        """Add a comment; ``KeyError`` if there is no such buzz."""
        made = Comment(self._new_id("c"), author, content, when)
        with self._lock:
            activity = self._activities[activity_id]
            activity.comments.append(made)
            activity.updated = when
        return made


def rfc3339(when: float) -> str:
    moment = datetime.fromtimestamp(when, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def person_json(person: Person) -> dict[str, Any]:
    return {
        "kind": "buzz#person",
        "id": person.id,
        "displayName": person.name,
        "screenName": person.screen_name,
        "profileUrl": f"/buzz/v1/people/{person.id}/@self",
    }


def comment_json(comment: Comment) -> dict[str, Any]:
    return {
        "kind": "buzz#comment",
        "id": comment.id,
        "content": comment.content,
        "published": rfc3339(comment.published),
        "actor": person_json(comment.author),
    }


def activity_json(activity: Activity) -> dict[str, Any]:
    return {
        "kind": "buzz#activity",
        "id": activity.id,
        "title": activity.content[:60],
        "content": activity.content,
        "published": rfc3339(activity.published),
        "updated": rfc3339(activity.updated),
        "actor": person_json(activity.author),
        "object": {"type": "note", "content": activity.content},
        "replies": {"totalItems": len(activity.comments)},
        "comments": [comment_json(c) for c in activity.comments],
    }
