"""Saving an object whose name is unique per person (a medication, a factor of one's own)."""

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect

from diary.signedin import SignedInRequest


def save_named(
    request: SignedInRequest, form: forms.ModelForm, noun: str, then: str
) -> HttpResponse | None:
    """Save a valid form and redirect to `then`; None when the form is to be shown (again)."""
    if not form.is_valid():
        return None
    try:
        with transaction.atomic():
            saved = form.save()
    except IntegrityError:
        # A double tap: the first request saved this name after the second checked it.
        form.add_error("name", f"You already have a {noun} called “{form.instance.name}”.")
        return None
    messages.success(request, f"{saved.name} saved.")
    return redirect(then)
