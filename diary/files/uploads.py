"""Uploads are capped while they arrive, so an oversized file is never stored whole.

Django's multipart parser hands a file to the upload handlers chunk by chunk (and the CSRF
middleware parses the body before any view runs). This handler, listed first in
FILE_UPLOAD_HANDLERS, sees each chunk before the memory and temporary-file handlers do.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

_STOPPED_FOR_SIZE = "upload_stopped_for_size"


class SizeLimitUploadHandler(FileUploadHandler):
    """Stores no file for an anonymous request, and stops one past settings.MAX_UPLOAD_BYTES.

    The CSRF check parses the body before the log-in redirect, so without the first rule an
    anonymous POST of 30 files of 19 MB wrote 569 MB to the temporary folder. Only the import
    takes a file, and only from someone signed in; DATA_UPLOAD_MAX_NUMBER_FILES allows one.

    Nothing after that point is stored: the handlers after this one never see the chunk, the
    parser closes (and so deletes) what they kept, and the rest of the body is read and
    discarded, so the page can answer with a message rather than a reset connection. Fields
    before the file, such as the CSRF token, are already parsed.
    """

    def new_file(self, *args, **kwargs) -> None:
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            raise StopUpload(connection_reset=False)  # the rest of the body is discarded
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.MAX_UPLOAD_BYTES:
            setattr(self.request, _STOPPED_FOR_SIZE, True)
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        # The next handlers build the file.
        return None


def stopped_for_size(request: HttpRequest) -> bool:
    """Whether a file in this request's body was stopped for passing MAX_UPLOAD_BYTES."""
    request.FILES  # noqa: B018 - the body is parsed, and the handler run, on first access
    return getattr(request, _STOPPED_FOR_SIZE, False)
