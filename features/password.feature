Feature: Password
  Changing the password needs the current one; the new one must be strong; guessing is limited (section D).

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  @security
  Scenario: Changing her password
    When she changes her password to "Velvet otters juggle 7 quiet lanterns"
    Then the command is accepted at version 2
    And the events recorded are PasswordChanged
    And neither password appears in any recorded event or audit entry

  @security
  Scenario: A wrong current password is refused, and the refusal is recorded
    When she changes her password to "Velvet otters juggle 7 quiet lanterns" giving "not my password 123" as her current password
    Then the command is refused with wrong_password on current_password
    And the events recorded are PasswordChangeRejected
    And neither password appears in any recorded event or audit entry

  Scenario Outline: The new password must be hard to guess
    When she changes her password to "<new password>"
    Then the command is refused with weak_password on new_password
    And the refusal tells her how to make it stronger
    And no event is recorded

    Examples:
      | why                              | new password      |
      | fewer than 12 characters         | Otters 7 up       |
      | a very common password           | password1234      |
      | one character repeated           | aaaaaaaaaaaaaaaa  |
      | her own e-mail address           | marie@example.com |
      | her e-mail's domain and digits   | example.com1234   |

  Scenario: At most 128 characters
    When she changes her password to a passphrase of 129 characters
    Then the command is refused with weak_password on new_password
    And no event is recorded

  Scenario Outline: Any Unicode is welcome, and no digit, capital or symbol is required
    When she changes her password to "<new password>"
    Then the command is accepted
    And the events recorded are PasswordChanged

    Examples:
      | new password                        |
      | velvet otters juggle quiet lanterns |
      | ŝŭbŝtancoj ĝis la fino              |
      | 鳥が歌う 静かな夜明け ꙮ                  |

  Scenario: A long password is never truncated
    Given she changed her password to a passphrase of 128 characters
    When she changes her password giving that passphrase without its last character as her current password
    Then the command is refused with wrong_password on current_password
    And the events recorded are PasswordChangeRejected

  Scenario: The new password must differ from the current one
    When she changes her password to "correct horse battery staple 42"
    Then the command is refused with password_reused on new_password
    And no event is recorded

  Scenario: After five wrong passwords within 15 minutes, further attempts are refused
    Given she gave a wrong current password 5 times in the last 10 minutes
    When she changes her password to "Velvet otters juggle 7 quiet lanterns"
    Then the command is refused with too_many_attempts on current_password
    And no event is recorded

  Scenario: Four wrong passwords are not yet too many
    Given she gave a wrong current password 4 times in the last 10 minutes
    When she changes her password to "Velvet otters juggle 7 quiet lanterns"
    Then the command is accepted
    And the events recorded are PasswordChanged

  Scenario: The limit lifts once the window has passed
    Given she gave a wrong current password 5 times, the last one 16 minutes ago
    When she changes her password to "Velvet otters juggle 7 quiet lanterns"
    Then the command is accepted
    And the events recorded are PasswordChanged

  Scenario Outline: Any service may check a password's strength, with the customer's details as context
    When a service checks the strength of "<password>" for Marie Tremblay, marie@example.com
    Then the score is <score> out of 4 and the password <is or is not> strong
    And her profile is still at version 1

    Examples:
      | password                        | score | is or is not |
      | password1234                    | 1     | is not       |
      | marie@example.com               | 0     | is not       |
      | Tremblay2026!                   | 2     | is not       |
      | correct horse battery staple 42 | 4     | is           |

  Scenario: Any service may ask for a random strong password
    When a service asks for a generated password
    Then it gets a password of 20 characters
    And the strength check calls it strong
    And her profile is still at version 1
