"""A poll's session as one viewer sees it, shared by the JSON API (web/api.py), the pages
(web/pages.py) and the stream (web/stream.py): who the browser is (its ballot, whether it
hosts) and the view drawn for it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tohyo import domain
from tohyo.domain.model import Ballot
from tohyo.web import security
from tohyo.web.http import Request

if TYPE_CHECKING:
    from tohyo.web.api import Context


async def viewing(
    ctx: Context, request: Request, session_id: str
) -> tuple[domain.Session, Ballot, bool]:
    """The session, this browser's ballot in it (its choice ids; empty: none) and whether
    it is the host."""
    token = request.cookies.get(security.VOTER_COOKIE)
    key = (
        security.voter_key(ctx.server_key, session_id, token)
        if token is not None and security.well_formed(token)
        else None
    )
    session, ballot = await ctx.objects.get(session_id, key)
    host = security.is_host(request, ctx.server_key, session_id, session.definition.host_key)
    return session, ballot, host


async def viewer(
    ctx: Context, request: Request, session_id: str
) -> tuple[domain.Session, bool, bool]:
    """`viewing`, with only whether this browser has voted: for the stream, whose frames
    are shared between viewers and so never carry anyone's choices."""
    session, ballot, host = await viewing(ctx, request, session_id)
    return session, bool(ballot), host


def session_view(session: domain.Session, *, voted: bool | Ballot, host: bool) -> dict[str, Any]:
    """The session as one viewer sees it. `voted` says whether they have voted, or is their
    ballot: then they are shown their own choices (`myChoiceIds`, in the session's order).
    Only the voter's own cookie finds a ballot, so no one else is ever shown it."""
    has_voted = bool(voted)
    view = domain.snapshot(
        session, with_counts=domain.can_see_counts(session.state, host=host, voted=has_voted)
    )
    is_open = session.state.status == "active"
    view["canVote"] = is_open and not has_voted
    view["hasVoted"] = has_voted
    if has_voted and not isinstance(voted, bool):
        view["myChoiceIds"] = list(voted)
    view["isHost"] = host
    if not is_open:
        view["message"] = "Voting is closed"
    elif has_voted:
        view["message"] = "You have already voted"
    return view
