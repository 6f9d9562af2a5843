from django.contrib.auth.hashers import PBKDF2PasswordHasher


class IssuedPasswordHasher(PBKDF2PasswordHasher):
    """For the first passwords the school prints for a whole class (R-PPL-5).

    Hashing sixty passwords at the full PBKDF2 cost takes minutes on a small server.
    These passwords are random (10 characters from 55, about 57 bits), must be changed
    at the first login, and Django re-hashes them with the preferred hasher as soon as
    they are used, so a lower iteration count is safe for them and for nothing else.
    """

    algorithm = "pbkdf2_sha256_issued"
    iterations = 100_000
