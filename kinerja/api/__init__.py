"""The read API (/api/v1/) for the kabupaten's systems: read only, versioned, one token per
kecamatan or kabupaten, every call logged, rate-limited. No rule about the data lives here: the
scope comes from the token (`ApiToken.organisation_ids`), the values after amendments from
`steps.filing.current_value`."""
