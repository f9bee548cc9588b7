"""Visits are not edited in the admin: the ID number is shown only through the access-logged
reveal (apps.visitors.services.visit_reveal_document)."""
