from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "apps.people"
    label = "people"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from apps.core import rotation
        from apps.people.headcounts import person_saved

        # The history copies the rows as stored: the same ciphertexts and hashes.
        for label in ("people.Person", "people.HistoricalPerson"):
            rotation.register(label, "doc_cipher", hash_field="doc_hash")

        # A person saved one at a time (the API, the admin, a transfer): its school recounted
        # after the commit. Bulk writes (imports, the rollover) recount their schools
        # themselves, in one statement.
        post_save.connect(person_saved, sender="people.Person",
                          dispatch_uid="people.headcount.save")
        post_delete.connect(person_saved, sender="people.Person",
                            dispatch_uid="people.headcount.delete")
