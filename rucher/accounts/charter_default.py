"""The charter a fresh installation starts with; administrators publish their own."""

CHARTER_FR = """## Charte d'utilisation de Rucher

1. **Bienveillance** : nous échangeons avec respect, comme dans un couloir de l'entreprise.
2. **Confidentialité** : rien de ce qui est publié ici ne sort de l'organisation.
3. **Entraide** : une question posée mérite une réponse ; si vous savez, répondez.
4. **Reconnaissance** : remerciez et valorisez les contributions de vos collègues.
5. **Responsabilité** : chacun est responsable de ce qu'il publie ; signalez ce qui pose problème.
"""
CHARTER_EN = """## Rucher usage charter

1. **Kindness**: we talk with respect, as in a corridor of our company.
2. **Confidentiality**: nothing published here leaves the organisation.
3. **Mutual help**: a question asked deserves an answer; if you know, answer.
4. **Recognition**: thank and highlight your colleagues' contributions.
5. **Responsibility**: everyone is responsible for what they publish; report what is wrong.
"""
