"""pymap, the tests' IMAP server, also offering XOAUTH2 (which it does not by itself): run as
`python tests/tickets/pymap_xoauth2.py <pymap arguments>`. The bearer token a client presents
is checked as the user's password, so a token endpoint that hands out the demo password as
its access token gives a token this server accepts, and any other token is refused."""

from pymap import config
from pymap.main import main
from pysasl import SASLAuth
from pysasl.creds.plain import PlainCredentials
from pysasl.mechanism.oauth import OAuth2Mechanism
from pysasl.mechanism.plain import PlainMechanism


class TokenAsPassword(OAuth2Mechanism):
    def server_attempt(self, responses):
        credentials, final = super().server_attempt(responses)
        token = credentials._token  # pysasl keeps the bearer token here
        return PlainCredentials(credentials.authzid, token), final


def _auth(self) -> SASLAuth:
    return SASLAuth([PlainMechanism(), TokenAsPassword()])


config.IMAPConfig.tls_auth = property(_auth)

if __name__ == "__main__":
    main()
