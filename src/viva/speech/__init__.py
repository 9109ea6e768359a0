"""Speech: transcriber and synthesiser protocols, their offline backends, delivery figures.

Core package: no storage, no UI, no settings. Heavy libraries (faster-whisper, onnxruntime,
PyAV) load inside the functions that use them, so importing this package costs nothing.
"""
