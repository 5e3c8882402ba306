"""PAdES signing, identities (PKCS#12, PKCS#11, demo), verification, renewal.

Modules (imported on demand; pyHanko is heavy to load):

* `identity`   — `load_identity`, `trust_roots_for`, `SigningIdentity`, certificate checks
* `pkcs11`     — USB token / HSM identities (SoftHSM2-tested)
* `appearance` — the visible signature of a copy (Nghị định 30/2020 Phụ lục I) and its placement
* `sign`       — `sign_pdf`: incremental PAdES B-B … B-LTA signature of a PDF/A-2b file
* `levels`     — the PAdES level a signature meets, read from the file's structure
* `verify`     — `verify_file`: one verdict per signature, exit codes of DESIGN.md
* `report`     — `render_html`: printable report for auditors
* `renew`      — `needs_renewal`, `renew_file`: keep B-LTA files verifiable
"""
