"""The Storyboard dock (the shots as cards, their state, prompt and Cast tags) and Sequence > Generate All."""
