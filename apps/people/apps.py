from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "apps.people"
    label = "people"

    def ready(self):
        from apps.core import rotation

        # The history copies the rows as stored: the same ciphertexts and hashes.
        for label in ("people.Person", "people.HistoricalPerson"):
            rotation.register(label, "doc_cipher", hash_field="doc_hash")
