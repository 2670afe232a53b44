"""Stand-in for the retirement models of openedx.core.djangoapps.user_api.models (same field names)."""
from django.conf import settings
from django.db import models


class RetirementState(models.Model):
    state_name = models.CharField(max_length=30, unique=True)
    state_execution_order = models.SmallIntegerField(unique=True)
    is_dead_end_state = models.BooleanField(default=False, db_index=True)
    required = models.BooleanField(default=False)

    class Meta:
        app_label = "user_api"


class UserRetirementStatus(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    original_username = models.CharField(max_length=150, db_index=True)
    original_email = models.EmailField(db_index=True)
    original_name = models.CharField(max_length=255, blank=True, db_index=True)
    retired_username = models.CharField(max_length=150, db_index=True)
    retired_email = models.EmailField(db_index=True)
    current_state = models.ForeignKey(RetirementState, on_delete=models.CASCADE, related_name="current_state")
    last_state = models.ForeignKey(RetirementState, on_delete=models.CASCADE, blank=True, related_name="last_state")
    responses = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "user_api"
