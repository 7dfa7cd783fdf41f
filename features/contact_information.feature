Feature: Contact information
  Her names, e-mail, phone and postal address (section A); the names never change after registration.

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  Scenario: Changing the e-mail records only what changed
    When she changes her contact information to:
      | email | marie.t@example.com |
      | phone | +1 514 555 0123     |
    Then the command is accepted at version 2
    And the events recorded are ContactChanged
    And the ContactChanged event carries only the email
    And her email is marie.t@example.com

  Scenario: Giving the same details again changes nothing
    When she changes her email to marie@example.com
    Then the command is accepted at version 1
    And no event is recorded

  Scenario Outline: Her names are set at registration and can never change
    When she changes her <name> to <value>
    Then the command is refused with immutable_field on <field>
    And no event is recorded

    Examples:
      | name       | value  | field      |
      | first name | Mary   | first_name |
      | last name  | Martin | last_name  |

  Scenario Outline: The e-mail address is checked and its domain lower-cased
    When she changes her email to <given>
    Then the command is accepted
    And her email is <stored>

    Examples:
      | given                | stored               |
      | Marie.T@Example.COM  | Marie.T@example.com  |
      | marie@tremblay.QC.CA | marie@tremblay.qc.ca |

  Scenario Outline: A malformed e-mail address is refused
    When she changes her email to <email>
    Then the command is refused with invalid_email on email
    And no event is recorded

    Examples:
      | email               |
      | marie@              |
      | marie.example.com   |
      | marie@@example.com  |

  Scenario Outline: The phone is stored in E.164, read as a number of the country she lives in
    Given she moved to <postal code>, <country>
    When she changes her phone to <phone>
    Then the command is accepted
    And her phone is <stored>

    Examples:
      | country | postal code | phone               | stored       |
      | CA      | H3B 1K9     | 514-555-0199        | +15145550199 |
      | US      | 94105       | (415) 555-0132      | +14155550132 |
      | FR      | 75001       | 01 42 60 00 00      | +33142600000 |
      | CA      | H3B 1K9     | +33 6 12 34 56 78   | +33612345678 |

  Scenario Outline: A phone number that cannot be understood is refused
    When she changes her phone to <phone>
    Then the command is refused with invalid_phone on phone
    And no event is recorded

    Examples:
      | phone       |
      | 123         |
      | 555 0000    |
      | not a phone |

  Scenario Outline: The country is an ISO 3166-1 two-letter code
    When she changes her country to <country>
    Then the command is refused with invalid_country on address.country
    And no event is recorded

    Examples:
      | country |
      | XX      |
      | CAN     |
      | Canada  |

  Scenario Outline: Postal codes are checked for Canada, the United States and France
    When she moves to <postal code>, <country>
    Then the command is accepted
    And her postal code is <stored>

    Examples:
      | country | postal code | stored     |
      | CA      | h2x1y4      | H2X 1Y4    |
      | US      | 90210       | 90210      |
      | US      | 90210 1234  | 90210-1234 |
      | FR      | 75001       | 75001      |

  Scenario Outline: A postal code that does not fit the country is refused
    When she moves to <postal code>, <country>
    Then the command is refused with invalid_postal_code on address.postal_code
    And no event is recorded

    Examples:
      | country | postal code |
      | CA      | 12345       |
      | CA      | D2X 1Y4     |
      | US      | 9021        |
      | FR      | 750         |

  Scenario: An e-mail address belongs to one profile at a time, whatever the case of its letters
    Given Luc Gagnon also registered with the email luc@example.com
    When she changes her email to LUC@Example.com
    Then the command is refused with email_taken on email
    And no event is recorded

  Scenario: An e-mail address she changed away from is free for another
    Given she changed her email to marie.t@example.com
    And Luc Gagnon also registered with the email marie@example.com
    When she changes her email to marie@example.com
    Then the command is refused with email_taken on email

  @concurrency
  Scenario: Of two customers changing to one e-mail address at the same moment, one gets it
    Given Luc Gagnon also registered with the email luc@example.com
    When she and Luc change their email to team@example.com at the same moment
    Then one is accepted and 1 is refused with email_taken on email
    And the email team@example.com leads to the accepted profile
