Feature: Audit trail
  Every change to a profile: what changed, when, by whom and through which request, oldest first; never a secret.

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  Scenario: Every change is in her audit trail, oldest first
    Given she changed her email to marie.t@example.com
    And support agent luc changed her phone to 514 555 0199
    And she registered the card 4111 1111 1111 1111 expiring 12/2030
    When an auditor reads her audit trail
    Then the entries are:
      | version | event             | section      | actor          |
      | 1       | ProfileRegistered | registration | customer:marie |
      | 2       | ContactChanged    | contact      | customer:marie |
      | 3       | ContactChanged    | contact      | support:luc    |
      | 4       | CardRegistered    | card         | customer:marie |
    And the entry of version 2 shows the email changed from marie@example.com to marie.t@example.com
    And the entry of version 3 shows the phone changed from +15145550123 to +15145550199

  Scenario: An entry names who made the change, when, and the request that caused it
    When support agent luc changes her phone to 514 555 0199 in the request ticket-4711
    Then the events recorded are ContactChanged
    And her audit trail ends with ContactChanged by support:luc at 2026-03-01T12:00:00+00:00 in the request ticket-4711

  @security
  Scenario: Passwords never appear, only that one was changed or a change rejected
    Given she changed her password to "Velvet otters juggle 7 quiet lanterns"
    And she gave a wrong current password once
    When an auditor reads her audit trail
    Then the entry of version 2 shows the password changed from nothing to changed
    And the entry of version 3 shows the password changed from nothing to rejected
    And no password or password hash appears in her audit trail

  @security
  Scenario: Cards appear as summaries, never their numbers
    Given she registered the card 4111 1111 1111 1111 expiring 12/2030
    And she registered the card 5555 5555 5555 4444 expiring 03/2027
    When an auditor reads her audit trail for the section card
    Then the entries are:
      | version | event          | section | actor          |
      | 2       | CardRegistered | card    | customer:marie |
      | 3       | CardReplaced   | card    | customer:marie |
    And the entry of version 3 shows the card changed from visa 1111 12/2030 Marie Tremblay to mastercard 4444 03/2027 Marie Tremblay
    And no card number appears in her audit trail

  Scenario: A refused command leaves no entry
    When she changes her email to marie@@example.com
    Then the command is refused with invalid_email on email
    And no event is recorded
    And her audit trail has 1 entry

  Scenario: Reading the trail a page at a time
    Given she changed her email to marie.1@example.com
    And she changed her email to marie.2@example.com
    And she changed her email to marie.3@example.com
    When an auditor reads 2 entries of her audit trail after her first entry
    Then the entries are:
      | version | event          | section | actor          |
      | 2       | ContactChanged | contact | customer:marie |
      | 3       | ContactChanged | contact | customer:marie |

  Scenario: Auditors follow every profile's entries in the order they were recorded
    Given an auditor has read every audit entry recorded so far
    And Paul Martin also registered with the email paul@example.com
    And she changed her email to marie.t@example.com
    When the auditor reads every profile's entries recorded since
    Then the entries are, across profiles:
      | profile        | version | event             |
      | Paul Martin    | 1       | ProfileRegistered |
      | Marie Tremblay | 2       | ContactChanged    |
    And their positions only increase
