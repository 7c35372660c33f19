"""Realistic inbound mail for the worker's tests and bench: RSVPs, agenda forwards, absences."""

from __future__ import annotations

import base64

RSVP_DA = """\
From: Mette Kjærgaard <mette@beboerforening.test>
To: sekretariat@forum.test
Subject: Sv: Invitation: Samarbejdsforum 8. december kl. 16
Message-ID: <{n}.rsvp.{token}@beboerforening.test>
In-Reply-To: <inv-{n}@forum.test>
Date: Tue, 24 Nov 2026 09:{mm:02d}:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hej Birthe

Jeg kommer gerne, men må gå kl. 17.30 på grund af et møde i lokaludvalget.
Min suppleant Søren behøver ikke at komme.

Venlig hilsen
Mette (nr. {n})

Den man. 23. nov. 2026 kl. 14.02 skrev Samarbejdsforum <sekretariat@forum.test>:
> Kære medlemmer af Samarbejdsforum
>
> Hermed indkaldes til ordinært møde tirsdag den 8. december kl. 16-18
> i Kulturhus Vesterbro, Lokale 2.
>
> Svar venligst senest fredag den 4. december.
"""

AGENDA_FORWARD = """\
From: Jonas Holm <jonas@skolen.test>
To: dagsorden@forum.test
Subject: VS: Trafiksikkerhed på Istedgade ved skolen
Message-ID: <{n}.fwd.{token}@skolen.test>
Date: Wed, 25 Nov 2026 11:{mm:02d}:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="==sep{n}=="

--==sep{n}==
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Kan vi tage det her op på næste møde? Forældrerådet har spurgt flere gange.

---------- Videresendt meddelelse ----------
Fra: Forældrerådet <foraeldreraad@skolen.test>
Dato: tir. 24. nov. 2026 kl. 20.15
Emne: Trafiksikkerhed på Istedgade
Til: Jonas Holm <jonas@skolen.test>

Kære Jonas

Bilerne kører for stærkt forbi skolen om morgenen. Vi foreslår et
hævet flertal ved Gasværksvej og en skolepatrulje. Se vedhæftede notat.

Mvh. Forældrerådet

--==sep{n}==
Content-Type: application/pdf; name="notat-{n}.pdf"
Content-Disposition: attachment; filename="notat-{n}.pdf"
Content-Transfer-Encoding: base64

{attachment}
--==sep{n}==--
"""

OUT_OF_OFFICE = """\
From: Lars Bach <lars@kommune.test>
To: sekretariat@forum.test
Subject: Automatisk svar: Invitation: Samarbejdsforum 8. december kl. 16
Message-ID: <{n}.ooo.{token}@kommune.test>
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
Date: Mon, 23 Nov 2026 14:{mm:02d}:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Jeg er p=E5 ferie til og med den 30. november og l=E6ser ikke min mail.
Henvendelser om Socialudvalget kan rettes til sekretariatet p=E5 tlf. 33 66 33 66.

Med venlig hilsen
Lars Bach ({n})
"""

TEMPLATES = (RSVP_DA, AGENDA_FORWARD, OUT_OF_OFFICE)

#: About 6 KB of base64, like a one-page PDF note.
_ATTACHMENT = base64.encodebytes(b"%PDF-1.4\n" + bytes(range(256)) * 16).decode()


def sample(n: int, token: str = "t") -> bytes:
    """Return message number N (an RSVP, a forward or an absence), CRLF, unique per N and TOKEN."""
    text = TEMPLATES[n % len(TEMPLATES)].format(n=n, token=token, mm=n % 60,
                                                attachment=_ATTACHMENT.strip())
    return text.replace("\n", "\r\n").encode("utf-8")


def oversized(n: int, size: int, token: str = "t") -> bytes:
    """Return a message of at least SIZE bytes: a forward with a large attachment."""
    padding = base64.encodebytes(b"x" * (size * 3 // 4 + 1024)).decode()
    text = AGENDA_FORWARD.format(n=n, token=token, mm=n % 60, attachment=padding.strip())
    return text.replace("\n", "\r\n").encode("utf-8")
