"""Testing writes, one module per subdomain: rounds (create, plan, open, close), station (tubes
and scans), results (lab results by tube barcode)."""
