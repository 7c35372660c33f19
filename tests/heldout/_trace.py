"""Trace headers: our MX's Received and Authentication-Results, and each provider's own."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.heldout._mime import RNG, alnum, b64sig, hexid, received_date, rfc_date
from tests.heldout.context import AUTHSERV

Headers = list[tuple[str, str]]


def domain_of(addr: str) -> str:
    """Return the domain of ADDR."""
    return addr.rpartition("@")[2]


# --- our verdicts ----------------------------------------------------------------------

def ar_pass(domain: str) -> str:
    """Return our server's verdict on genuine mail from DOMAIN, in one header."""
    return (f"{AUTHSERV};\n\tdkim=pass header.d={domain};\n\tspf=pass smtp.mailfrom={domain};"
            f"\n\tdmarc=pass header.from={domain}")


def ar_pass_rspamd(addr: str, dkim_domain: str | None = None) -> str:
    """Return our verdict as rspamd writes it: selector, bits and the full MAIL FROM."""
    domain = domain_of(addr)
    d = dkim_domain or domain
    return (f"{AUTHSERV};\n\tdkim=pass header.d={d} header.s=selector1 header.b={alnum(8)};"
            f"\n\tspf=pass (mx.samarbejdsforum.test: domain of {addr} designates "
            f"the sending host as permitted sender) smtp.mailfrom={addr};"
            f"\n\tdmarc=pass (policy=reject) header.from={domain}")


def ar_split(addr: str) -> list[str]:
    """Return our verdict as three milters write it (opendkim, policyd-spf, opendmarc)."""
    domain = domain_of(addr)
    return [
        f"{AUTHSERV}; dmarc=pass (p=reject dis=none) header.from={domain}",
        f"{AUTHSERV}; spf=pass smtp.mailfrom={addr}",
        f"{AUTHSERV};\n\tdkim=pass (2048-bit key; unprotected) header.d={domain}"
        f" header.i=@{domain} header.b=\"{alnum(8)}\";\n\tdkim-atps=neutral",
    ]


def ar_fail(addr: str, ip: str) -> str:
    """Return our verdict on mail that claims ADDR but came from IP."""
    domain = domain_of(addr)
    return (f"{AUTHSERV};\n\tdkim=none;\n\tspf=fail (mx.samarbejdsforum.test: domain of {addr}"
            f" does not designate {ip} as permitted sender) smtp.mailfrom={addr};"
            f"\n\tdmarc=fail reason=\"SPF not aligned (relaxed), No valid DKIM\""
            f" header.from={domain} (policy=none)")


# --- our receiving server --------------------------------------------------------------

def ours(helo: str, rdns: str, ip: str, rcpt: str, dt: datetime, auth: list[str] | None,
         envelope: str, tls: bool = True) -> Headers:
    """Return the headers our MX and Dovecot add on top, AUTH below our Received."""
    arrive = dt + timedelta(seconds=RNG.randint(1, 4))
    qid = "4" + alnum(11, "BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789")
    how = "ESMTPS" if tls else "ESMTP"
    heads: Headers = [
        ("Return-Path", f"<{envelope}>"),
        ("Delivered-To", rcpt.lower()),
        ("Received", f"from mx.samarbejdsforum.test\n\tby imap.samarbejdsforum.test with LMTP"
                     f"\n\tid {alnum(22)}\n\t(envelope-from <{envelope}>)"
                     f"\n\tfor <{rcpt.lower()}>; {rfc_date(arrive)}"),
        ("Received", f"from {helo} ({rdns} [{ip}])\n\tby mx.samarbejdsforum.test (Postfix)"
                     f" with {how} id {qid}\n\tfor <{rcpt.lower()}>; {received_date(arrive)}"),
    ]
    heads += [("Authentication-Results", a) for a in auth or []]
    return heads


# --- the providers' own trace ----------------------------------------------------------

def gmail_trace(rcpt: str, dt: datetime, auth: list[str] | None, sender: str) -> Headers:
    """Return the trace of a mail Gmail sent to us."""
    n = RNG.randint(1, 60)
    host = f"mail-wr1-f{n}.google.com"
    ip = f"209.85.221.{n}"
    pst = dt.astimezone(ZoneInfo("America/Los_Angeles"))
    pst_s = pst.strftime("%a, %d %b %Y %H:%M:%S %z") + f" ({pst.tzname()})"
    stamp = int(dt.timestamp())
    heads = ours(host, host, ip, rcpt, dt, auth, sender)
    heads += [
        ("Received", f"by {host} with SMTP id ffacd0b85a97d-{alnum(11, '0123456789abcdef')}so"
                     f"{RNG.randint(1000000, 9999999)}f8f.{RNG.randint(1, 9)}\n"
                     f"        for <{rcpt.lower()}>; {pst_s}"),
        ("DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed;\n"
                           f"        d=gmail.com; s=20230601; t={stamp}; x={stamp + 604800};"
                           " darn=samarbejdsforum.test;\n"
                           "        h=to:subject:message-id:date:from:in-reply-to:references\n"
                           "         :mime-version:from:to:cc:subject:date:message-id:reply-to;\n"
                           f"        bh={b64sig(43)}=;\n        b={b64sig(70)}\n"
                           f"         {b64sig(70)}\n         {b64sig(70)}\n"
                           f"         {b64sig(34)}=="),
        ("X-Google-DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed;\n"
                                    f"        d=1e100.net; s=20230601; t={stamp};"
                                    f" x={stamp + 604800};\n"
                                    "        h=to:subject:message-id:date:from:in-reply-to\n"
                                    "         :references:mime-version:x-gm-message-state\n"
                                    "         :from:to:cc:subject:date:message-id:reply-to;\n"
                                    f"        bh={b64sig(43)}=;\n        b={b64sig(70)}\n"
                                    f"         {b64sig(34)}=="),
        ("X-Gm-Message-State", f"AOJu0Y{b64sig(62)}\n\t{b64sig(40)}"),
        ("X-Gm-Gg", f"ASbGnc{b64sig(66)}\n\t{b64sig(48)}"),
        ("X-Google-Smtp-Source", f"AGHT+IF{b64sig(58)}=="),
        ("X-Received", f"by 2002:a05:6000:{hexid(4).lower()}:b0:38f:{hexid(4).lower()}"
                       f" with SMTP id ffacd0b85a97d-{alnum(11, '0123456789abcdef')}mr"
                       f"{RNG.randint(10000000, 99999999)}f8f.{RNG.randint(10, 40)}."
                       f"{stamp}{RNG.randint(100, 999)};\n        {pst_s}"),
    ]
    return heads


def exchange_trace(rcpt: str, dt: datetime, auth: list[str] | None, sender: str,
                   consumer: bool, extra_auth: str | None = None) -> tuple[Headers, str]:
    """Return the trace of a mail Exchange Online sent us, and the mailbox server name."""
    pod = "PAXP193MB" if consumer else RNG.choice(("AS8PR09MB", "DB9PR07MB", "GV1PR09MB"))
    server = f"{pod}{RNG.randint(1000, 9999)}"
    region = "EURP193" if consumer else ("eurprd09" if "09" in pod else "eurprd07")
    fqdn = f"{server}.{region.lower()}.prod.outlook.com"
    hub = f"{pod[:4]}{RNG.randint(10, 99)}CA{RNG.randint(1000, 9999)}.{region.lower()}"\
          ".prod.outlook.com"
    if consumer:
        helo = f"EUR0{RNG.randint(1, 5)}-DB5-obe.outbound.protection.outlook.com"
        rdns = f"mail-db5eur0{RNG.randint(1, 5)}olkn20{RNG.randint(10, 99)}" \
               ".outbound.protection.outlook.com"
        ip = f"40.92.{RNG.randint(64, 127)}.{RNG.randint(1, 254)}"
    else:
        helo = f"EUR0{RNG.randint(1, 5)}-AM7-obe.outbound.protection.outlook.com"
        rdns = f"mail-am7eur0{RNG.randint(1, 5)}on21{RNG.randint(10, 99)}" \
               ".outbound.protection.outlook.com"
        ip = f"52.101.{RNG.randint(64, 127)}.{RNG.randint(1, 254)}"
    utc = dt.astimezone(ZoneInfo("UTC"))
    when = f"{rfc_date(utc)}"
    heads = ours(helo, rdns, ip, rcpt, dt, auth, sender)
    d = "microsoft.com"
    heads += [
        ("ARC-Seal", f"i=1; a=rsa-sha256; s=arcselector10001; d={d}; cv=none;\n"
                     f" b={b64sig(72)}\n {b64sig(72)}\n {b64sig(60)}=="),
        ("ARC-Message-Signature", f"i=1; a=rsa-sha256; c=relaxed/relaxed; d={d};\n"
                                  " s=arcselector10001;\n h=From:Date:Subject:Message-ID:"
                                  "Content-Type:MIME-Version:X-MS-Exchange-AntiSpam-"
                                  "MessageData-ChunkCount:X-MS-Exchange-AntiSpam-MessageData-0:"
                                  "X-MS-Exchange-AntiSpam-MessageData-1;\n"
                                  f" bh={b64sig(43)}=;\n b={b64sig(72)}\n {b64sig(60)}=="),
        ("ARC-Authentication-Results", "i=1; mx.microsoft.com 1; spf=none; dmarc=none;\n"
                                       " dkim=none; arc=none"),
    ]
    if not consumer:
        dom = sender.rpartition("@")[2]
        heads.append(("DKIM-Signature", f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={dom};"
                                        " s=selector1;\n h=From:Date:Subject:Message-ID:"
                                        "Content-Type:MIME-Version:X-MS-Exchange-SenderADCheck;"
                                        f"\n bh={b64sig(43)}=;\n b={b64sig(72)}\n"
                                        f" {b64sig(60)}=="))
    if extra_auth:
        heads.append(("Authentication-Results", extra_auth))
    heads += [
        ("Received", f"from {fqdn} (2603:10a6:20b:{hexid(3).lower()}::{RNG.randint(1, 20)})\n"
                     f" by {hub.split('.')[0]}.{region.lower()}.prod.outlook.com"
                     " (2603:10a6:10:31b::9) with\n Microsoft SMTP Server (version=TLS1_2,\n"
                     " cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8511.19; "
                     f"{when}"),
        ("Received", f"from {fqdn}\n ([fe80::{hexid(4).lower()}:{hexid(4).lower()}:"
                     f"{hexid(4).lower()}:{hexid(4).lower()}]) by {fqdn}\n"
                     f" ([fe80::{hexid(4).lower()}:{hexid(4).lower()}:{hexid(4).lower()}:"
                     f"{hexid(4).lower()}%{RNG.randint(3, 7)}]) with mapi id 15.20.8511.017;"
                     f" {when}"),
    ]
    return heads, fqdn


def exchange_msgid(fqdn: str) -> str:
    """Return an Exchange Online Message-ID from mailbox server FQDN."""
    return f"<{fqdn.split('.')[0]}{hexid(32)}@{fqdn}>"


def exchange_tail(lang: str = "da-DK") -> Headers:
    """Return the X-MS headers Exchange writes below the addressing headers."""
    return [
        ("Accept-Language", f"{lang}, en-US"),
        ("Content-Language", lang),
        ("X-MS-Has-Attach", ""),
        ("X-MS-TNEF-Correlator", ""),
        ("msip_labels", ""),
        ("x-ms-publictraffictype", "Email"),
        ("x-ms-office365-filtering-correlation-id",
         f"{hexid(8).lower()}-{hexid(4).lower()}-{hexid(4).lower()}-{hexid(4).lower()}-"
         f"{hexid(12).lower()}"),
        ("x-ms-exchange-senderadcheck", "1"),
        ("x-ms-exchange-antispam-relay", "0"),
    ]


def thread_index() -> str:
    """Return an Exchange Thread-Index value."""
    return "AQH" + b64sig(25) + "=="


def hk_trace(rcpt: str, dt: datetime, auth: list[str] | None, sender: str) -> Headers:
    """Return the trace of a mail from HK's own Postfix relay (Thunderbird users)."""
    heads = ours("smtp.hk.dk", "smtp.hk.dk", "195.249.41.77", rcpt, dt, auth, sender)
    heads += [
        ("DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed; d=hk.dk; s=hk2024;"
                           f" t={int(dt.timestamp())};\n\tbh={b64sig(43)}=;\n\t"
                           "h=Date:From:To:Subject:In-Reply-To:References:From;\n\t"
                           f"b={b64sig(72)}\n\t {b64sig(60)}=="),
        ("Received", f"from [10.20.4.{RNG.randint(20, 200)}] (unknown [10.20.4.31])\n\t"
                     "(Authenticated sender: jesper.vang@hk.dk)\n\tby smtp.hk.dk (Postfix)"
                     f" with ESMTPSA id {alnum(10, 'ABCDEF0123456789')}\n\tfor"
                     f" <{rcpt.lower()}>; {received_date(dt)}"),
    ]
    return heads
