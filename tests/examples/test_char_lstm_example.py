"""The character-level LSTM example trains, and generates text from the corpus's characters."""
from lamina.examples import char_lstm


def test_char_lstm_learns_and_generates():
    result = char_lstm.main(epochs=3, length=30, temperatures=(0.2, 1.0), max_sequences=512, verbose=False)
    assert result["loss"][-1] < result["loss"][0]
    for text in result["samples"].values():
        assert len(text) == 30 and set(text) <= set(result["chars"])
