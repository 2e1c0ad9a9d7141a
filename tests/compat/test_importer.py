

def test_keras_tuner_names_map_to_lamina_tuner():
    from lamina.compat.importer import target_for

    assert target_for("keras_tuner") == "lamina.tuner"
    assert target_for("kerastuner.tuners") == "lamina.tuner.tuners"
