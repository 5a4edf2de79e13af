"""Start an IPython kernel that dies with the worker that started it.

jupyter_client starts a kernel as ``python -m ipykernel_launcher -f
CONNECTION_FILE`` in a session of its own, so nothing kills it when its
worker dies. :class:`tuttotal.run.kernels.KernelSlot` starts it as ``python -m
tuttotal.run.kernel_launcher -f CONNECTION_FILE`` instead: this asks Linux to
``SIGKILL`` the kernel when its parent dies (``prctl(PR_SET_PDEATHSIG)``,
:func:`tuttotal.lifeline.die_with_parent`), then runs ipykernel exactly as
``ipykernel_launcher`` does. ipykernel's own parent poller (it watches
``JPY_PARENT_PID``, set by jupyter_client) is the fallback elsewhere.

Once the kernel has read its connection file (ports and the HMAC key of its
messages) and bound its sockets, the file is deleted: its manager keeps the
same information in memory, and a kernel killed later (``kill -9``, its
worker's death) leaves no file behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from tuttotal.lifeline import die_with_parent


def main() -> None:
    """Arm the parent-death signal, then start the kernel (as ``python -m ipykernel_launcher``)."""

    die_with_parent(int(os.environ.get("JPY_PARENT_PID") or 0))
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # as ipykernel_launcher: the notebook's folder is added back by the kernel
    from ipykernel import kernelapp

    app = kernelapp.IPKernelApp.instance()
    app.initialize()
    with contextlib.suppress(OSError):  # read and written back with its ports: no longer needed on disk
        os.unlink(app.abs_connection_file)
    app.start()


if __name__ == "__main__":
    main()
