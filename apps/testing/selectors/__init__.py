"""Testing reads, one module per subdomain: results, station (rounds and tubes)."""
