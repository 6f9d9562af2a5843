"""The API's operations, one router per subject: each is declared with
``api.declare.operation`` (the token's scope and the rule its rows are read through)."""
