"""How bytes reach a viewer's socket without a task per viewer.

A server's `send` on a socket with room completes without suspending; `drive` runs it by
hand and only gives a task to a write that blocks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Generator
from typing import Any

log = logging.getLogger("tohyo.feed")


def drive(awaitable: Awaitable[None]) -> asyncio.Future[None] | None:
    """Run `awaitable` until it first blocks: None if it finished, else a task finishing it.

    A server's `send` on a socket with room completes without suspending, so the usual
    case costs no task and no trip through the event loop; only a viewer whose socket is
    full gets a task, for as long as it stays full.
    """
    steps = awaitable.__await__()
    try:
        blocked_on = steps.send(None)
    except StopIteration:
        return None
    except Exception as error:  # the viewer is gone; its handler cleans up on disconnect
        _write_failed(error)
        return None
    return asyncio.ensure_future(_finish(steps, blocked_on))


async def _finish(steps: Generator[Any, None, None], blocked_on: Any) -> None:
    # The step loop of an asyncio Task, for one awaitable that was started by hand.
    try:
        while True:
            if blocked_on is None:
                await asyncio.sleep(0)
            else:
                # What a Task does with a future its coroutine yields: take it over (clear
                # the "blocking" flag the yield set), wait for it, then resume the steps.
                blocked_on._asyncio_future_blocking = False
                await blocked_on
            blocked_on = steps.send(None)
    except StopIteration:
        pass
    except Exception as error:
        steps.close()
        _write_failed(error)
    except asyncio.CancelledError:
        steps.close()
        raise


def _write_failed(error: Exception) -> None:
    # A closed connection is routine; anything else is a bug worth seeing in the log.
    if not isinstance(error, OSError):
        log.warning("writing to a viewer failed", exc_info=error)
