from django.db import models


def region_codes(code: str) -> tuple[str, str, str]:
    """The province, city and county codes a GB/T 2260 code sits under ('' where above)."""
    province = code[:2] + "0000"
    city = code[:4] + "00" if code[2:4] != "00" else ""
    county = code if code[4:6] != "00" else ""
    return province, city, county


class RegionCodes(models.Model):
    """The codes at each level of the region an org node stands in, copied from its region
    on save, so that a bureau's scope is one indexed equality at any depth."""

    province_code = models.CharField(max_length=6, editable=False, db_index=True)
    city_code = models.CharField(max_length=6, editable=False, blank=True, db_index=True)
    county_code = models.CharField(max_length=6, editable=False, blank=True, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.province_code, self.city_code, self.county_code = region_codes(self.region_id)
        super().save(*args, **kwargs)
