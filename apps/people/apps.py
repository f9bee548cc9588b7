from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "apps.people"
    label = "people"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from apps.core import rotation
        from apps.people.headcounts import school_row_saved, school_saved

        # The history copies the rows as stored: the same ciphertexts and hashes.
        for label in ("people.Person", "people.HistoricalPerson"):
            rotation.register(label, "doc_cipher", hash_field="doc_hash")

        # A person, class or school saved one at a time (the API, the admin, a transfer, the
        # set-up pages): its school recounted after the commit. Bulk writes (imports, the
        # rollover, the generator) recount their schools themselves, in one statement.
        for model in ("people.Person", "orgs.SchoolClass"):
            post_save.connect(school_row_saved, sender=model,
                              dispatch_uid=f"headcount.save.{model}")
            post_delete.connect(school_row_saved, sender=model,
                                dispatch_uid=f"headcount.delete.{model}")
        post_save.connect(school_saved, sender="orgs.School", dispatch_uid="headcount.school")
