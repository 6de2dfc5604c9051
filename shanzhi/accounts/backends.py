"""The sign-in backend: Django's ``ModelBackend`` (passwords, permissions), reading the account of
a signed-in session with its role grants in one prepared statement.

Every page a signed-in user opens reads the session's account (Django's backend: one query it
compiles each time) and then its grants (a second); ``services.user_with_grants`` reads both at
once through a statement compiled once per process, as the JSON API does for a token. It returns
None for an inactive account, as ``ModelBackend.get_user`` does, so a disabled account's sessions
end at their next request. The grants it fills are the request's own: ``User.grants()`` keeps them
on the user object of that request only.

Sessions record the path of the backend that signed them in: sessions signed in under Django's
own ``ModelBackend`` path (before this backend) end at their next request and sign in again.
"""

from django.contrib.auth.backends import ModelBackend

from .services import user_with_grants


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        return user_with_grants(user_id)
