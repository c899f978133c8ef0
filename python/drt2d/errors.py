"""drt2d's errors: one class per status code of the C library, each a
subclass of drt2d.Error carrying the status and the library's message.

Bad arguments found on the Python side, before any work, raise the same
classes (InvalidArgument for a bad value, shape, dtype or option)."""

from ._lib import lib


class Error(Exception):
    """A failure of drt2d: `status` is the C status code (negative), `name`
    its name ("DRT_EINVAL"), and the message says what failed and where."""

    status = 0

    def __init__(self, message, status=None):
        super().__init__(message)
        if status is not None:
            self.status = status
        self.message = message

    @property
    def name(self):
        return lib.drt_status_name(self.status).decode()


class InvalidArgument(Error, ValueError):
    status = -1


class OutOfMemory(Error, MemoryError):
    status = -2


class FileError(Error, OSError):
    status = -3


class ParseError(Error):
    status = -4


class SchemaError(Error):
    status = -5


class NoDevice(Error):
    status = -6


class NoDoublePrecision(Error):
    status = -7


class OpenCLError(Error):
    status = -8


class BuildError(Error):
    status = -9


class Unsupported(Error):
    status = -10


class TooBig(Error):
    status = -11


class Cancelled(Error):
    """A progress callback of the C API stopped the work (the package sets
    none; listed so that every status has its class)."""
    status = -12


_BY_STATUS = {cls.status: cls for cls in
              (InvalidArgument, OutOfMemory, FileError, ParseError,
               SchemaError, NoDevice, NoDoublePrecision, OpenCLError,
               BuildError, Unsupported, TooBig, Cancelled)}


def check(status):
    """Raises the error of a failed library call (status != 0) with the
    library's message for this thread's last failure."""
    if status == 0:
        return
    detail = lib.drt_last_error().decode(errors="replace")
    text = lib.drt_strerror(status).decode()
    message = detail if detail else text
    raise _BY_STATUS.get(status, Error)(message, status)
