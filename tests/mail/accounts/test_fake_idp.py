"""The fake identity provider itself: what the mail test servers and msal rely on."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import jwt
import requests

from tests.servers.idp import FakeIdP


def get(idp, path, **kwargs):
    """GET PATH on the IdP, trusting its test CA."""
    return requests.get(f"{idp.base_url}{path}", verify=idp.ca_pem_path, timeout=5, **kwargs)


def test_issued_tokens_check_out_with_the_published_attributes(idp):
    """issue() signs with kid and the key in public_key_pem, for issuer and audience."""
    token = idp.issue("agenda@forum.test", ttl=60)
    assert jwt.get_unverified_header(token)["kid"] == idp.kid
    claims = jwt.decode(token, idp.public_key_pem, algorithms=["RS256"],
                        audience=idp.audience, issuer=idp.issuer)
    assert claims["email"] == claims["sub"] == "agenda@forum.test"
    assert claims["exp"] - claims["iat"] == 60
    assert idp.public_key_pem.startswith("-----BEGIN PUBLIC KEY-----")


def test_discovery_and_jwks_describe_the_same_key(idp):
    """The OpenID document points at the endpoints, and JWKS holds the signing key."""
    config = get(idp, f"/{idp.tenant}/v2.0/.well-known/openid-configuration").json()
    assert (config["issuer"], config["token_endpoint"]) == (idp.issuer, idp.token_endpoint)
    keys = requests.get(config["jwks_uri"], verify=idp.ca_pem_path, timeout=5).json()["keys"]
    assert [key["kid"] for key in keys] == [idp.kid]
    public_key = jwt.PyJWK(keys[0]).key
    jwt.decode(idp.issue("x@forum.test"), public_key, algorithms=["RS256"], audience=idp.audience)


def test_authorize_requires_pkce(idp):
    """Without an S256 code challenge the answer is an error, not a code."""
    client = idp.add_client("agenda@forum.test")
    answer = get(idp, f"/{idp.tenant}/oauth2/v2.0/authorize", allow_redirects=False, params={
        "client_id": client.client_id, "response_type": "code", "state": "s1",
        "redirect_uri": "https://forumpost.test/back",
    })
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["error"] == ["invalid_request"] and "code" not in query


def test_signing_key_survives_a_restart(tmp_path):
    """A server started again on the same folder signs with the same key (servers cache it)."""
    with FakeIdP(tmp_path) as first:
        key = first.public_key_pem
    with FakeIdP(tmp_path) as second:
        assert second.public_key_pem == key
        assert get(second, f"/{second.tenant}/discovery/v2.0/keys").ok
