"""The benchmark workloads compare like with like (no timing here: ``python -m benchmarks`` is the measurement)."""
import pytest
import torch

from benchmarks import harness

WORKLOADS = harness.discover()


def test_every_workload_is_found_with_its_floor_and_target():
    assert [m.NAME.split()[0] for m in WORKLOADS] == ["W1", "W2", "W3", "W4", "W5", "W6"]
    for module in WORKLOADS:
        assert 0 < module.FLOOR <= module.TARGET and module.BATCH_SIZE >= 1, module.NAME


@pytest.mark.parametrize("module", WORKLOADS, ids=lambda m: m.NAME.split()[0])
def test_lamina_and_the_hand_written_loop_train_the_same_network(module):
    data = module.make_data()
    reference = module.torch_loop(data).model
    model = module.lamina_model(False)
    model.build((None,) + data["x"].shape[1:])
    # torch's LSTM keeps a second bias vector (b_hh) that Keras's single bias folds in
    torch_count = sum(p.numel() for name, p in reference.named_parameters()
                      if not (name.endswith("bias_hh_l0") and isinstance(reference.get_submodule(name.rsplit(".", 1)[0]),
                                                                        torch.nn.LSTM)))
    assert model.count_params() == torch_count
    assert type(model.optimizer).__name__ == "RMSprop"


def test_the_hand_written_loop_learns():
    from benchmarks.loop import hand_written_loop

    torch.manual_seed(0)
    x = torch.randn(256, 4)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]])
    model = torch.nn.Linear(4, 1)
    train = hand_written_loop(model, x, y, 32, torch.nn.functional.mse_loss)
    before = torch.nn.functional.mse_loss(model(x), y).item()
    assert train(100) == 100 * 256
    assert torch.nn.functional.mse_loss(model(x), y).item() < before / 2
