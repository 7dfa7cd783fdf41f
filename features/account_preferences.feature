Feature: Account preferences
  Billing contact, communication channel, language, PDF invoices and domain suggestions (section C).

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  Scenario Outline: Changing a preference
    When she sets her <preference> preference to <value>
    Then the command is accepted at version 2
    And the events recorded are PreferencesChanged
    And her <preference> preference is <value>

    Examples:
      | preference            | value |
      | communication channel | sms   |
      | communication channel | phone |
      | language              | en    |
      | pdf invoices          | yes   |
      | domain suggestions    | yes   |

  Scenario: Choosing what she already has changes nothing
    When she sets her communication channel preference to email
    Then the command is accepted at version 1
    And no event is recorded

  Scenario: The billing contact can be any contact of the account
    Given she added Luc Bergeron, luc@compta.example, as a contact for billing
    When she makes Luc Bergeron her billing contact
    Then the command is accepted at version 3
    And the events recorded are PreferencesChanged
    And her billing contact is Luc Bergeron

  Scenario: The billing contact must be a contact of this account
    When she makes the contact nobody-123 her billing contact
    Then the command is refused with unknown_contact on billing_contact_id
    And no event is recorded

  Scenario Outline: Only known channels and languages are accepted
    When she sets her <preference> preference to <value>
    Then the command is refused with <code> on <field>
    And no event is recorded

    Examples:
      | preference            | value | code             | field                 |
      | communication channel | fax   | invalid_channel  | communication_channel |
      | communication channel | Email | invalid_channel  | communication_channel |
      | language              | de    | invalid_language | language              |
      | language              | FR    | invalid_language | language              |
