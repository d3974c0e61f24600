# -*- coding: utf-8 -*-
"""UMC module "pascomconnector": opens the pascom Connector admin page with single sign-on.

The module's only command mints a short-lived, single-use HS256 JSON Web Token for the UMC user
and returns the admin page URL carrying it. The admin page (app/web/auth/sso-token.ts) checks
signature, audience, lifetime and one-time use, then the user's group. The shared secret is
written by the app's join script (0600, root) and read here, in the UMC module process (root).
Only the standard library is used: the module runs in the host's Python.
"""

import base64
import hashlib
import hmac
import json
import os
import time

from univention.management.console.base import Base
from univention.management.console.error import UMC_Error
from univention.management.console.modules.decorators import simple_response

# Same file as the app's config default http.ssoSecretFile (docs/configuration.md).
SSO_SECRET_FILE = '/var/lib/univention-appcenter/apps/pascom-connector/conf/sso.secret'
AUDIENCE = 'pascom-connector'
TOKEN_LIFETIME_SECONDS = 60
SSO_PATH = '/pascom-connector/sso'


def _b64url(data):
	return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def _json_segment(value):
	return _b64url(json.dumps(value, separators=(',', ':'), sort_keys=True).encode('utf-8'))


def read_secret():
	"""The HMAC key: the secret file's bytes without surrounding whitespace."""
	try:
		with open(SSO_SECRET_FILE, 'rb') as handle:
			secret = handle.read().strip()
	except EnvironmentError:
		secret = b''
	if not secret:
		raise UMC_Error('The pascom Connector is not set up on this server yet (no single sign-on secret). Run the join scripts and try again.', status=503)
	return secret


def mint_token(username, secret, now=None):
	"""An HS256 JWT for `username`, valid for TOKEN_LIFETIME_SECONDS, with a random one-time id."""
	issued_at = int(time.time() if now is None else now)
	header = {'alg': 'HS256', 'typ': 'JWT'}
	claims = {
		'sub': username,
		'aud': AUDIENCE,
		'iat': issued_at,
		'exp': issued_at + TOKEN_LIFETIME_SECONDS,
		'jti': _b64url(os.urandom(16)),
	}
	signing_input = _json_segment(header) + '.' + _json_segment(claims)
	signature = hmac.new(secret, signing_input.encode('ascii'), hashlib.sha256).digest()
	return signing_input + '.' + _b64url(signature)


class Instance(Base):

	@simple_response
	def token(self):
		if not self.username:
			raise UMC_Error('Single sign-on needs a logged-in user.', status=401)
		token = mint_token(self.username, read_secret())
		return {'url': SSO_PATH + '?token=' + token}
