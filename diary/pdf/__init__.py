"""The doctor's report as a PDF: its layout and the text it prints."""
