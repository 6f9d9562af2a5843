from django.contrib.auth.hashers import PBKDF2PasswordHasher


class IssuedPasswordHasher(PBKDF2PasswordHasher):
    """For the first passwords the school prints for a whole class (R-PPL-5).

    Hashing sixty passwords at the full PBKDF2 cost takes minutes on a small server, and
    at 100,000 iterations still seconds while the secretary waits. These passwords are
    random (10 characters from 55, about 57 bits), must be changed at the first login,
    and Django re-hashes them with the preferred hasher as soon as they are used. Their
    strength is in their randomness: at 5,000 iterations a guess costs some 10,000
    SHA-256 blocks, and 2**57 guesses stay out of reach of any attacker for centuries,
    so a low iteration count is safe for them and for nothing else. Hashes made with an
    older count still verify (PBKDF2 keeps the count in the hash).
    """

    algorithm = "pbkdf2_sha256_issued"
    iterations = 5_000
