"""The case dossier (卷宗, issue 19 point 5): a printable PDF of a case — its cover, report,
全过程记录, findings and ruling, every event with its signer's key fingerprint and a QR code of its
hash, the signers' keys, and the checkpoint it is printed under (docs/dossier.md).

:mod:`api.dossier.content` gathers it from the ledger for one reader; :mod:`api.dossier.pdf` lays
it out with WeasyPrint; :mod:`api.dossier.qr` makes the QR codes (segno)."""
