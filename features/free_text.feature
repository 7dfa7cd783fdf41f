Feature: Free text
  Names, address lines, company, job title, contact names and the card holder are clean text, never a card number.

  Scenario Outline: A name holding a character that hides or disguises text is refused
    When Marie registers with a first name holding <what>
    Then the command is refused with invalid_text on first_name
    And no event is recorded

    Examples:
      | what                     |
      | a NUL character          |
      | an escape sequence       |
      | a bell                   |
      | a right-to-left override |
      | a left-to-right isolate  |
      | only zero-width spaces   |

  Scenario: Names are kept in one Unicode form, without surrounding spaces
    When Chloé Côté registers with her names typed in decomposed form between spaces
    Then the command is accepted at version 1
    And her names are shown as Chloé Côté, each in composed form

  Scenario: A card number typed as a name at registration is refused
    When Marie registers with the card number 4111-1111-1111-1111 as her last name
    Then the command is refused with card_number_in_text on last_name
    And no event is recorded

  Scenario Outline: A card number typed into free text is refused, wherever it is typed
    Given Marie Tremblay registered with the email marie@example.com
    When she types the card number 4111 1111 1111 1111 into <field>
    Then the command is refused with card_number_in_text on <field name>
    And no event is recorded
    And 4111 1111 1111 1111 appears in no recorded event, audit entry or view

    Examples:
      | field                    | field name    |
      | her company              | company       |
      | her job title            | job_title     |
      | her address's first line | address.line1 |
      | a new contact's name     | name          |
      | her card's holder name   | holder_name   |

  Scenario Outline: Digits that are not a card number are welcome
    Given Marie Tremblay registered with the email marie@example.com
    When she sets her company to "<company>"
    Then the command is accepted at version 2

    Examples:
      | company                          |
      | Studio 54                        |
      | Acme 1234 5678 9012 3456         |
      | Unit 4111 1111 1111 1112 Offices |
