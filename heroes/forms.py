from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


def validate_photo_size(photo):
    """Refuse a photo over ``MLH_MAX_UPLOAD_BYTES`` before the engine reads
    it (code ``too_large``): the upload page's form and the API both ask."""
    limit = settings.MLH_MAX_UPLOAD_BYTES
    if photo.size > limit:
        raise forms.ValidationError(
            _("That file is %(size)s; photos up to %(limit)s are accepted."),
            code="too_large",
            params={"size": filesizeformat(photo.size), "limit": filesizeformat(limit)},
        )


class UploadForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo of your face"),
        help_text=_("JPEG, PNG, WebP, HEIC or GIF. One face, looking at the camera, works best."),
        # No capture attribute: it forces the camera on many phones; the upload
        # page offers a separate "take a selfie" input for that.
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        error_messages={
            "required": _("Choose a photo first."),
            "empty": _("That file is empty. Choose a photo."),
        },
    )

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        validate_photo_size(photo)
        return photo
