Feature: Newsletters and communications
  Which newsletters she receives, the consent behind each, and what other services may send her (section G).

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  Scenario: Subscribing records her consent
    When she subscribes to news and offers through the portal, having read version v3 of the consent text in fr
    Then the command is accepted at version 2
    And the events recorded are NewsletterSubscriptionsChanged
    And she receives news and offers
    And her consent to offers records: at 2026-03-01T12:00:00+00:00, by customer:marie, via portal, text v3, in fr

  Scenario: Subscribing to all newsletters
    When she subscribes to all through the portal, having read version v3 of the consent text in fr
    Then the command is accepted
    And she receives news, offers, product_updates and tips

  Scenario: A support agent records a consent given on the phone
    When support agent luc subscribes her to tips, consent given through support with text v3 in en
    Then the command is accepted
    And her consent to tips records: at 2026-03-01T12:00:00+00:00, by support:luc, via support, text v3, in en

  Scenario: An unknown category is refused
    When she subscribes to news and horoscopes through the portal, having read version v3 of the consent text in fr
    Then the command is refused with unknown_newsletter_category on categories
    And no event is recorded

  Scenario Outline: The consent says how it was given and in which language
    When she subscribes to news through the <channel>, having read version v3 of the consent text in <language>
    Then the command is refused with <code> on <field>
    And no event is recorded

    Examples:
      | channel   | language | code             | field            |
      | telephone | fr       | validation_error | consent.channel  |
      | portal    | de       | invalid_language | consent.language |

  Scenario: Subscribing again under a new version of the consent text renews her consent
    Given she subscribed to news and offers
    When she subscribes to news and offers through the portal, having read version v4 of the consent text in fr
    Then the command is accepted at version 3
    And the events recorded are NewsletterSubscriptionsChanged
    And her consent to offers records: at 2026-03-01T12:00:00+00:00, by customer:marie, via portal, text v4, in fr

  Scenario: Subscribing again in another language renews her consent
    Given she subscribed to news and offers
    When she subscribes to news and offers through the portal, having read version v3 of the consent text in en
    Then the command is accepted at version 3
    And her consent to news records: at 2026-03-01T12:00:00+00:00, by customer:marie, via portal, text v3, in en

  Scenario: The consent ledger tells when each consent was given and when it ended
    Given she subscribed to news and offers
    And she subscribed to news
    And she unsubscribed from the newsletters
    When an auditor reads her consent ledger
    Then the ledger lists, oldest first:
      | purpose           | state     | version | text |
      | newsletter:news   | given     | 2       | v3   |
      | newsletter:offers | given     | 2       | v3   |
      | newsletter:offers | withdrawn | 3       |      |
      | newsletter:news   | withdrawn | 4       |      |

  Scenario: Unsubscribing ends every category at once
    Given she subscribed to news, offers and tips
    When she unsubscribes from the newsletters
    Then the command is accepted at version 3
    And the events recorded are NewsletterUnsubscribed
    And she receives no newsletter

  Scenario Outline: Transactional messages are never affected by newsletter choices
    Given she subscribed to news and offers
    And she unsubscribed from the newsletters
    When the mailer asks whether it may send her <kind>
    Then the answer is <answer>, because "<reason>"

    Examples:
      | kind               | answer | reason                               |
      | invoice            | yes    | transactional                        |
      | payment_receipt    | yes    | transactional                        |
      | whois_verification | yes    | transactional                        |
      | service_notice     | yes    | transactional                        |
      | newsletter:news    | no     | unsubscribed from all newsletters at |
      | newsletter:offers  | no     | unsubscribed from all newsletters at |

  Scenario Outline: A newsletter may be sent only to a subscriber
    Given she subscribed to news
    When the mailer asks whether it may send her <kind>
    Then the answer is <answer>, because "<reason>"

    Examples:
      | kind            | answer | reason                  |
      | newsletter:news | yes    | subscribed to news since |
      | newsletter:tips | no     | not subscribed to tips  |

  Scenario Outline: Domain suggestions follow her account preferences, declined by default
    Given she <choice> domain suggestions in her preferences
    When the mailer asks whether it may send her domain_suggestion
    Then the answer is <answer>, because "<reason>"

    Examples:
      | choice   | answer | reason                       |
      | declined | no     | domain suggestions declined  |
      | accepted | yes    | domain suggestions accepted  |

  Scenario: Asking about a category that does not exist
    When the mailer asks whether it may send her newsletter:horoscopes
    Then the question is refused with unknown_newsletter_category

  Scenario: The mailer gets the audience of a newsletter
    Given she subscribed to news
    And Paul Martin also registered with the email paul@example.com
    And he subscribed to news and offers
    When the mailer asks for the audience of offers
    Then the audience includes Paul Martin
    And the audience does not include Marie Tremblay
