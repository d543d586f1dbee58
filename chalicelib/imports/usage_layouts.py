"""Usage record files: our template, and the CDR table of Asterisk (and FreePBX) as exported.

Our template (GET /uploads/templates/usage): one call (or metered event) per row;
`start` carries its offset. A row with a `metric` is a metered event whose
time is `start` and whose `quantity` is counted.

Asterisk's CDR table, as its database backends (cdr_mysql, cdr_adaptive_odbc)
create it and as FreePBX's CDR reports export it with a header row: calldate,
clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, duration,
billsec, disposition, amaflags, accountcode, uniqueid, userfield (Asterisk's
documentation, "CDR Variables"; newer tables add answer, end, linkedid,
sequence, peeraccount; FreePBX adds did, recordingfile, cnum, cnam,
outbound_cnum, outbound_cnam, dst_cnam). A call is uniqueid, accountcode,
calldate, billsec (the seconds after answer: what is billed; an unanswered
call has 0), dst, src (the caller) and dstchannel (the trunk). calldate has no
offset: it is read in the tenant's time zone. The other columns are read and
ignored. Asterisk's own Master.csv (cdr_csv) and FreeSWITCH's mod_cdr_csv
write no header row, so they are not recognised: add the header above.
"""
from typing import Dict, FrozenSet

OURS_COLUMNS = (
    # (name, target, required, sample row)
    ("id", "id", True, "cdr-20260301-0001"),
    ("account", "account", True, "ACME-01"),
    ("start", "start", True, "2026-03-01T09:15:02+00:00"),
    ("duration_seconds", "duration_seconds", False, "125"),
    ("destination", "destination", False, "+44 7700 900123"),
    ("direction", "direction", False, "outbound"),
    ("caller", "caller", False, "+44 113 496 0000"),
    ("trunk", "trunk", False, "sip-lon-1"),
    ("metric", "metric", False, ""),
    ("quantity", "quantity", False, ""),
)
ASTERISK = "asterisk"
_ASTERISK_USED = {"uniqueid": "id", "accountcode": "account", "calldate": "start", "billsec": "duration_seconds",
                  "dst": "destination", "src": "caller", "dstchannel": "trunk"}
_ASTERISK_IGNORED = ("id clid dcontext channel lastapp lastdata duration disposition amaflags userfield answer end "
                     "linkedid sequence peeraccount did recordingfile cnum cnam outbound_cnum outbound_cnam dst_cnam")
ASTERISK_COLUMNS = tuple((name, target, True) for name, target in _ASTERISK_USED.items()) + tuple(
    (name, None, False) for name in _ASTERISK_IGNORED.split())
SIGNATURES: Dict[str, FrozenSet[str]] = {ASTERISK: frozenset({"calldate", "billsec", "uniqueid"})}
NAMES = {ASTERISK: "Asterisk CDR"}
