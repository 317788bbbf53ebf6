# IPython kernel settings for `make`: the venv set-up copies this file to .venv/etc/ipython/.
# ipykernel warns at every kernel start that its local TCP sockets are not encrypted
# ("Kernel is running over TCP without encryption"). The kernels of `make book` and
# `make test` run one notebook each on this machine, so that one line is dropped; every
# other kernel message (and every error) still shows.
import logging


class _NoUnencryptedTcpWarning(logging.Filter):
    def filter(self, record):
        return "running over TCP without encryption" not in record.getMessage()


logging.getLogger("IPKernelApp").addFilter(_NoUnencryptedTcpWarning())
