"""Testing pages, one module per subdomain: results, rounds, station."""
