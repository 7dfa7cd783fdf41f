Feature: Registration
  A customer opens an account: the service assigns her profile id and records who she is.

  Scenario: Registering creates the profile with the most private choices by default
    When Marie Tremblay registers with the email marie@example.com
    Then the command is accepted at version 1
    And the events recorded are ProfileRegistered
    And her preferences are:
      | billing contact       | holder |
      | communication channel | email  |
      | language              | fr     |
      | pdf invoices          | no     |
      | domain suggestions    | no     |
    And she is the holder contact of her account

  Scenario: The registration details are checked like any later change
    When Marie Tremblay registers with the email marie@example
    Then the command is refused with invalid_email on email
    And no event is recorded

  Scenario: An e-mail address another profile holds is refused, whatever the case of its letters
    Given Luc Gagnon registered with the email luc@example.com
    When Marie Tremblay registers with the email LUC@Example.com
    Then the command is refused with email_taken on email
    And no event is recorded

  Scenario: An e-mail address an erased profile held is free again
    Given Anne Roy registered with the email anne@example.com
    And her profile was erased because she asked
    When Marie Tremblay registers with the email ANNE@example.com
    Then the command is accepted at version 1
    And the email anne@example.com leads to her new profile

  @concurrency
  Scenario: Of people registering with one e-mail address at the same moment, one gets it
    When 4 people register with the email luc@example.com at the same moment
    Then one is accepted and 3 are refused with email_taken on email
    And the email LUC@example.com leads to the accepted profile

  Scenario: Malformed input is refused before any rule runs
    When Marie Tremblay registers without a last name
    Then the command is refused with validation_error on last_name
    And no event is recorded

  Scenario: A command for a profile that does not exist is refused
    When someone changes the email of an unknown profile to marie@example.com
    Then the command is refused with profile_not_found
    And no event is recorded
