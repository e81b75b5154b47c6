"""The diary file and CSV: the formats, the upload cap, the pending import and the database side."""
