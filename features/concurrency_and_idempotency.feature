Feature: Concurrency and idempotency
  Services retry safely with an idempotency key, and never overwrite a change they have not seen.

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  Scenario: A command expecting the current version applies
    When the billing service changes her phone to 514 555 0199, expecting version 1
    Then the command is accepted at version 2
    And the events recorded are ContactChanged

  Scenario: A command based on a version that is no longer current is refused
    Given she changed her email to marie.t@example.com
    When the billing service changes her phone to 514 555 0199, expecting version 1
    Then the command is refused with version_conflict
    And no event is recorded

  Scenario: A retry with the same idempotency key returns the first response and records nothing new
    Given the billing service changed her phone to 514 555 0199 with the idempotency key retry-42
    When the billing service changes her phone to 514 555 0199 with the idempotency key retry-42
    Then it gets the first response again: version 2 with ContactChanged
    And no event is recorded

  Scenario: Idempotency keys are kept at least 24 hours
    Given the billing service changed her phone to 514 555 0199 with the idempotency key retry-42
    And 24 hours have passed
    When the billing service changes her phone to 514 555 0199 with the idempotency key retry-42
    Then it gets the first response again: version 2 with ContactChanged
    And no event is recorded

  Scenario: A key used for one command cannot be used for another
    Given the billing service changed her phone to 514 555 0199 with the idempotency key retry-42
    When the billing service changes her phone to 514 555 0100 with the idempotency key retry-42
    Then the command is refused with idempotency_key_reused
    And no event is recorded

  @concurrency
  Scenario: Writers racing on the same profile never lose a change silently
    When 4 services change her phone at the same moment, none expecting a version
    Then each command is either accepted or refused with version_conflict
    And at least one is accepted
    And her recorded versions run from 1 without gaps, one per accepted command
