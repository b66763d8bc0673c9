"""MineSim: the embedded Minecraft-like world built from minecraft-data 1.16.5."""
