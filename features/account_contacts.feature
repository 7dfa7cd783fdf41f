Feature: Account contacts
  Besides the holder, the people an account names for billing or WHOIS, each with an id the service assigns.

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  Scenario: Adding her accountant as billing contact
    When she adds Luc Bergeron, luc@compta.example, 514 555 0188, as a contact for billing
    Then the command is accepted at version 2
    And the events recorded are AccountContactAdded
    And the service assigned the new contact an id
    And Luc Bergeron is listed with the email luc@compta.example, the phone +15145550188 and the roles billing

  Scenario: A contact's e-mail is checked like hers
    When she adds Luc Bergeron, luc@, 514 555 0188, as a contact for billing
    Then the command is refused with invalid_email on email
    And no event is recorded

  Scenario: A contact's roles are among billing and whois
    When she adds Luc Bergeron, luc@compta.example, 514 555 0188, as a contact for marketing
    Then the command is refused with validation_error on roles
    And no event is recorded

  Scenario: Removing a contact
    Given she added Luc Bergeron, luc@compta.example, as a contact for whois
    When she removes Luc Bergeron from her contacts
    Then the command is accepted at version 3
    And the events recorded are AccountContactRemoved
    And Luc Bergeron is no longer listed

  Scenario: The account holder cannot be removed
    When she removes the holder from her contacts
    Then the command is refused with cannot_remove_holder on contact_id
    And no event is recorded

  Scenario: The billing contact cannot be removed until another is chosen
    Given she added Luc Bergeron, luc@compta.example, as a contact for billing
    And she made Luc Bergeron her billing contact
    When she removes Luc Bergeron from her contacts
    Then the command is refused with contact_in_use on contact_id
    And no event is recorded

  Scenario: Removing a contact the account does not have
    When she removes the contact nobody-123 from her contacts
    Then the command is refused with unknown_contact on contact_id
    And no event is recorded
