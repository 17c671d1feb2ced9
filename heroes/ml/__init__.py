"""Face-embedding engine (dlib ResNet port in Keras, face alignment).

Nothing here imports TensorFlow at import time; the heavy modules import it
inside their functions so that Django start-up stays light.
"""
